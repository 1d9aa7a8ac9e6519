import { render } from 'preact';
import './styles.css';
import './stats.css';
import { App } from './ui/app';

document.documentElement.lang = localStorage.getItem('siaga.lang') === 'en' ? 'en' : 'id';
render(<App />, document.getElementById('app')!);
