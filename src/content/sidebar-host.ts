/**
 * The sidebar host: a randomly named element with a closed shadow root that holds only an
 * iframe of the extension's sidebar page and a slim tab button. Customer data lives inside the
 * iframe (extension origin); the page sees one empty element with a random name and cannot reach
 * into the closed root.
 *
 * Content scripts usually run in an isolated world, but where they share the page's prototypes
 * (Firefox's Xray waivers, test harnesses), a page could patch attachShadow to capture the root:
 * the DOM functions the host relies on are taken at script start, before the page can run more.
 */
const attachShadow = Element.prototype.attachShadow;
const createElement = Document.prototype.createElement;
const appendChild = Node.prototype.appendChild;
const removeElement = Element.prototype.remove;

const WIDTH = 360;

// `:host` rules marked !important win over any page rule (inner context wins for !important).
const STYLE = `
:host{all:initial!important;position:fixed!important;top:0!important;right:0!important;bottom:0!important;z-index:2147483647!important;display:block!important;pointer-events:none!important}
.frame{display:flex;align-items:center;height:100%}
.hidden{display:none}
button{all:initial;pointer-events:auto;box-sizing:border-box;width:20px;height:64px;border-radius:8px 0 0 8px;background:#2457c5;box-shadow:0 1px 4px rgba(0,0,0,.3);cursor:pointer;display:flex;align-items:center;justify-content:center}
button::before{content:'\\203A';color:#fff;font:18px/1 system-ui,sans-serif}
.collapsed button::before{content:'\\2039'}
button:focus-visible{outline:2px solid #fff;outline-offset:-4px}
iframe{pointer-events:auto;border:0;width:min(${WIDTH}px,calc(100vw - 20px));height:100%;background:Canvas;color-scheme:light dark;box-shadow:-2px 0 8px rgba(0,0,0,.2)}
.collapsed iframe{display:none}
`;

export interface SidebarHost {
  /** mounts on first show; hiding keeps the iframe (and its state) for the next show */
  setVisible(visible: boolean): void;
  setCollapsed(collapsed: boolean): void;
  /**
   * A page about no one in particular (an inbox, a timeline) shows only the slim tab, whatever
   * the remembered state; opening it there lasts for that page and is not remembered.
   */
  setListPage(listPage: boolean): void;
  /** flips the collapsed state (keyboard shortcut) when the sidebar is showing */
  toggle(): void;
  /** removes the host from the page (the extension went away) */
  destroy(): void;
  /** whether `node` is the host element */
  isHost(node: Node): boolean;
}

export interface SidebarHostOptions {
  /** the sidebar page's URL (chrome.runtime.getURL), asked for only when mounting */
  src(): string;
  collapsed: boolean;
  /** the user collapsed or expanded the sidebar: remember it */
  onToggle(collapsed: boolean): void;
  doc?: Document;
}

function randomTagName(): string {
  const letters = Array.from(crypto.getRandomValues(new Uint8Array(12)), (byte) =>
    String.fromCharCode(97 + (byte % 26)),
  );
  return `x-${letters.join('')}`;
}

export function createSidebarHost({
  src,
  collapsed: initiallyCollapsed,
  onToggle,
  doc = document,
}: SidebarHostOptions): SidebarHost {
  let visible = false;
  let collapsed = initiallyCollapsed;
  let listPage = false;
  let openedOnListPage = false;
  let host: HTMLElement | undefined;
  let frame: HTMLElement | undefined;
  let tab: HTMLElement | undefined;

  const make = <K extends keyof HTMLElementTagNameMap>(tag: K) =>
    createElement.call(doc, tag) as HTMLElementTagNameMap[K];

  function mount() {
    host = createElement.call(doc, randomTagName()) as HTMLElement;
    const root = attachShadow.call(host, { mode: 'closed' });
    const style = make('style');
    style.textContent = STYLE;
    frame = make('div');
    tab = make('button');
    tab.setAttribute('type', 'button');
    tab.setAttribute('aria-label', 'Touchbase');
    tab.addEventListener('click', flip);
    const iframe = make('iframe');
    iframe.setAttribute('title', 'Touchbase');
    iframe.src = src();
    appendChild.call(frame, tab);
    appendChild.call(frame, iframe);
    appendChild.call(root, style);
    appendChild.call(root, frame);
  }

  const shownCollapsed = () => (listPage ? !openedOnListPage : collapsed);

  function flip() {
    if (listPage) {
      openedOnListPage = !openedOnListPage;
      render();
      return;
    }
    collapsed = !collapsed;
    render();
    onToggle(collapsed);
  }

  function render() {
    if (!visible && !host) return;
    if (!host) mount();
    // A page that rebuilds <html>'s children may have dropped the host: put it back.
    if (host && !host.isConnected) appendChild.call(doc.documentElement, host);
    const folded = shownCollapsed();
    if (frame) frame.className = `frame${visible ? '' : ' hidden'}${folded ? ' collapsed' : ''}`;
    tab?.setAttribute('aria-expanded', String(!folded));
  }

  return {
    setVisible(next) {
      visible = next;
      render();
    },
    setCollapsed(next) {
      collapsed = next;
      render();
    },
    setListPage(next) {
      if (next === listPage) return;
      listPage = next;
      openedOnListPage = false;
      render();
    },
    toggle() {
      if (visible) flip();
    },
    destroy() {
      if (host) removeElement.call(host);
      host = undefined;
      visible = false;
    },
    isHost: (node) => node === host,
  };
}
