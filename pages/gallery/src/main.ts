import { config } from './config.ts';

const app = document.querySelector('#app');
if (app) app.textContent = `Gallery (viewer at ${config.viewerApiBase})`;
