// The field app runs entirely in the browser: the service worker serves this shell offline,
// and all data comes from IndexedDB.
export const ssr = false;
export const prerender = false;
