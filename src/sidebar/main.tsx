import { render } from 'preact';
import '../ui/theme.css';
import './sidebar.css';
import { Sidebar } from './Sidebar';

render(<Sidebar />, document.getElementById('app') as HTMLElement);
