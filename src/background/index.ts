import { emailKeys } from '../identity/keys';
chrome.runtime.onInstalled.addListener(() => console.log(emailKeys('a@b.c')));
