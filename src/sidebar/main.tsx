import { render } from 'preact';

render(<p>sidebar</p>, document.getElementById('app') as HTMLElement);
