export { uriEncode } from './uri-encode.ts';
