/**
 * What the compose detectors of the site adapters share: whether the user is writing in an
 * editor. They look at the focus and at whether the editor is empty, never at what it says.
 */

/** The focus is in `element` (the document's active element, or one inside it). */
export function hasFocus(doc: Document, element: Element): boolean {
  const active = doc.activeElement;
  return active !== null && active !== doc.body && element.contains(active);
}

/** The editor holds something besides whitespace (an empty one often keeps a `<br>`). */
export function hasText(element: Element): boolean {
  return (element.textContent ?? '').trim() !== '';
}
