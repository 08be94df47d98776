// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { youtube } from '../../../src/content/sites/youtube';

const page = (html: string) => new DOMParser().parseFromString(html, 'text/html');
const keys = (html: string, url: string) =>
  youtube.extract(page(html), new URL(url)).map((candidate) => candidate.key);

describe('youtube videos', () => {
  test('a Short names the channel of the reel on screen, not of the preloaded ones', () => {
    const reel = (handle: string, active: boolean) =>
      `<ytd-reel-video-renderer ${active ? 'is-active=""' : ''}><yt-reel-metapanel-view-model>
        <yt-reel-channel-bar-view-model><a href="/@${handle}/shorts">@${handle}</a></yt-reel-channel-bar-view-model>
      </yt-reel-metapanel-view-model></ytd-reel-video-renderer>`;
    const html = `<div id="shorts-inner-container">${reel('previous', false)}${reel('AcmeRobotics', true)}${reel('next', false)}</div>`;
    expect(
      youtube.extract(page(html), new URL('https://www.youtube.com/shorts/aqz-KE-bpKQ')),
    ).toEqual([{ key: 'youtube:@acmerobotics', strength: 'strong', role: 'profile', focus: true }]);
  });

  test('the live owner renderer wins over the first load’s microdata', () => {
    // After in-app navigation the microdata still describes the first video.
    const html = `<span itemprop="author"><link itemprop="url" href="http://www.youtube.com/@FirstVideoChannel"><link itemprop="name" content="First"></span>
      <ytd-watch-metadata><ytd-video-owner-renderer><a href="/@AcmeRobotics"></a>
        <ytd-channel-name><a href="/@AcmeRobotics">Acme Robotics</a></ytd-channel-name></ytd-video-owner-renderer></ytd-watch-metadata>`;
    expect(keys(html, 'https://www.youtube.com/watch?v=kP3n7Wd2QxA')).toEqual([
      'youtube:@acmerobotics',
      'name:acme robotics',
    ]);
  });

  test('before the watch page renders, the microdata names the channel', () => {
    const html = `<div itemscope itemtype="http://schema.org/VideoObject"><span itemprop="author" itemscope itemtype="http://schema.org/Person">
      <link itemprop="url" href="http://www.youtube.com/channel/UC8butISFwT-Wl7EV0hUK0BQ"><link itemprop="name" content="Initech Live"></span></div>`;
    expect(
      youtube.extract(page(html), new URL('https://www.youtube.com/watch?v=kP3n7Wd2QxA')),
    ).toEqual([
      { key: 'youtube:UC8butISFwT-Wl7EV0hUK0BQ', strength: 'strong', role: 'profile', focus: true },
      { key: 'name:initech live', strength: 'weak', role: 'profile' },
    ]);
  });

  test('the mobile watch page names the channel in its slim owner renderer', () => {
    const html = `<ytm-slim-owner-renderer><a href="/@AcmeRobotics" class="slim-owner-icon-and-title"></a></ytm-slim-owner-renderer>`;
    expect(keys(html, 'https://m.youtube.com/watch?v=kP3n7Wd2QxA')).toEqual([
      'youtube:@acmerobotics',
    ]);
  });

  test('a video whose channel has not rendered yet has no focus and no name', () => {
    const html = `<ytd-comment-thread-renderer><a id="author-text" href="/@priya-shah"></a></ytd-comment-thread-renderer>`;
    expect(
      youtube.extract(page(html), new URL('https://www.youtube.com/watch?v=kP3n7Wd2QxA')),
    ).toEqual([{ key: 'youtube:@priya-shah', strength: 'strong', role: 'author' }]);
  });
});

describe('youtube lists', () => {
  test('search results report video channels and channel results, not ads', () => {
    const html = `<ytd-search><ytd-ad-slot-renderer><a href="/@MegaCorpAds">MegaCorp</a></ytd-ad-slot-renderer>
      <ytd-channel-renderer><a id="main-link" href="/@AcmeRobotics"></a></ytd-channel-renderer>
      <ytd-video-renderer><a id="channel-thumbnail" href="/@omar.globex?si=Qx1"></a><a id="video-title" href="/watch?v=Hn4sX0aB7cE"></a></ytd-video-renderer></ytd-search>`;
    expect(keys(html, 'https://www.youtube.com/results?search_query=warehouse+robots')).toEqual([
      'youtube:@acmerobotics',
      'youtube:@omar.globex',
    ]);
  });

  test('pages it does not extract from yield nothing, whatever they list', () => {
    const html = `<ytd-video-renderer><a href="/@AcmeRobotics"></a></ytd-video-renderer>`;
    expect(keys(html, 'https://www.youtube.com/playlist?list=PL9tY0BWXOZFu')).toEqual([]);
    expect(keys(html, 'https://music.youtube.com/')).toEqual([]);
  });
});
