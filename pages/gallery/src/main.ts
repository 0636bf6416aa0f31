import './styles.css';
import { startApp } from './app.ts';

startApp(document.querySelector<HTMLElement>('#app')!);
