import { emailKeys } from '../identity/keys';
console.debug('touchbase content', emailKeys(location.href));
