import { normaliseIdentity } from '../../identity/keys';
import type { Candidate } from '../../platform/messaging';
import { mergeCandidates } from '../candidates';
import type { SiteAdapter } from './types';

/**
 * YouTube: channel pages, videos and Shorts, and the home, subscriptions and search lists.
 * Read from YouTube's custom element names and ids (`ytd-*`, `#author-text`) and channel URLs
 * (`/@handle`, `/channel/UC…`); its class names change with every redesign.
 */

const HOSTS = new Set(['www.youtube.com', 'm.youtube.com']);
const LIST_PATHS = new Set(['/', '/feed/subscriptions', '/results']);

/**
 * Where a video names its channel, most current first: the desktop watch page, the Short on
 * screen, the mobile watch page, then the microdata of the first page load (YouTube does not
 * update it on in-app navigation, so it is only a fallback).
 */
const OWNER_LINKS = [
  'ytd-watch-metadata ytd-video-owner-renderer a[href]',
  'ytd-reel-video-renderer[is-active] yt-reel-channel-bar-view-model a[href]',
  'ytm-slim-owner-renderer a[href]',
  '[itemprop="author"] link[itemprop="url"]',
];
/** The channels of the videos (and channel results) a list shows. */
const LISTED_LINKS =
  'ytd-rich-item-renderer a[href], ytd-video-renderer a[href], ytd-channel-renderer a[href]';

type Page = 'channel' | 'video' | 'list';

/** `youtube:@handle` or `youtube:UC…` for a channel URL or path, else null. */
function channelKey(href: string | null | undefined): string | null {
  const value = href ? normaliseIdentity('youtube', href.replace(/[?#].*/, '')) : null;
  return value && `youtube:${value}`;
}

function pageOf(url: URL): Page | null {
  if (!HOSTS.has(url.hostname)) return null;
  if (channelKey(url.pathname)) return 'channel';
  if (url.pathname === '/watch' ? url.searchParams.has('v') : /^\/shorts\/./.test(url.pathname))
    return 'video';
  return LIST_PATHS.has(url.pathname) ? 'list' : null;
}

function nameCandidate(raw: string | null | undefined): Candidate[] {
  const name = normaliseIdentity('name', raw ?? '');
  return name ? [{ key: `name:${name}`, strength: 'weak', role: 'profile' }] : [];
}

export const youtube: SiteAdapter = {
  id: 'youtube',
  exampleUrls: [
    {
      url: 'https://www.youtube.com/@AcmeRobotics',
      expect: 'match',
      focus: 'youtube:@acmerobotics',
    },
    {
      url: 'https://www.youtube.com/@AcmeRobotics/videos',
      expect: 'match',
      focus: 'youtube:@acmerobotics',
    },
    {
      url: 'https://m.youtube.com/@AcmeRobotics/about',
      expect: 'match',
      focus: 'youtube:@acmerobotics',
    },
    {
      url: 'https://www.youtube.com/channel/UC1234567890abcdefghijKL/featured',
      expect: 'match',
      focus: 'youtube:UC1234567890abcdefghijKL',
    },
    {
      url: 'https://www.youtube.com/@%E3%81%AF%E3%82%8B%E3%81%8B-ch',
      expect: 'match',
      focus: 'youtube:@はるか-ch',
    },
    { url: 'https://www.youtube.com/watch?v=kP3n7Wd2QxA', expect: 'match' },
    {
      url: 'https://www.youtube.com/watch?v=kP3n7Wd2QxA&t=42s&list=PL9tY0BWXOZFu',
      expect: 'match',
    },
    { url: 'https://m.youtube.com/watch?v=kP3n7Wd2QxA', expect: 'match' },
    { url: 'https://www.youtube.com/shorts/aqz-KE-bpKQ', expect: 'match' },
    { url: 'https://www.youtube.com/', expect: 'match' },
    { url: 'https://www.youtube.com/feed/subscriptions', expect: 'match' },
    { url: 'https://www.youtube.com/results?search_query=acme+robotics', expect: 'match' },
    { url: 'https://www.youtube.com/feed/history', expect: 'ignore' },
    { url: 'https://www.youtube.com/feed/you', expect: 'ignore' },
    { url: 'https://www.youtube.com/account', expect: 'ignore' },
    { url: 'https://www.youtube.com/playlist?list=PL9tY0BWXOZFu', expect: 'ignore' },
    { url: 'https://www.youtube.com/watch', expect: 'ignore' },
    { url: 'https://www.youtube.com/c/AcmeRobotics', expect: 'ignore' },
  ],
  runsOn: (hostname) => HOSTS.has(hostname),
  mentionSelector: '#content-text',
  detect: (url) => pageOf(url) !== null,
  extract(doc, url) {
    const page = pageOf(url);
    const channel = page === 'channel' ? channelKey(url.pathname) : null;
    const found: Candidate[] = [];
    if (channel) {
      found.push({ key: channel, strength: 'strong', focus: true, role: 'profile' });
      found.push(...nameCandidate(doc.querySelector('yt-page-header-view-model h1')?.textContent));
    } else if (page === 'video') {
      for (const selector of OWNER_LINKS) {
        const key = channelKey(doc.querySelector(selector)?.getAttribute('href'));
        if (!key) continue;
        found.push({ key, strength: 'strong', focus: true, role: 'profile' });
        break;
      }
      const ownerName =
        doc.querySelector('ytd-watch-metadata ytd-channel-name a')?.textContent ??
        doc.querySelector('[itemprop="author"] [itemprop="name"]')?.getAttribute('content');
      if (found.length > 0) found.push(...nameCandidate(ownerName));
      for (const link of doc.querySelectorAll('ytd-comment-thread-renderer #author-text[href]')) {
        const key = channelKey(link.getAttribute('href'));
        if (key) found.push({ key, strength: 'strong', role: 'author' });
      }
    } else if (page === 'list') {
      for (const link of doc.querySelectorAll(LISTED_LINKS)) {
        const key = channelKey(link.getAttribute('href'));
        // Ads sit in the same grid as the videos.
        if (key && !link.closest('ytd-ad-slot-renderer'))
          found.push({ key, strength: 'strong', role: 'author' });
      }
    }
    return mergeCandidates(found);
  },
};
