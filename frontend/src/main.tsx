import { render } from 'preact';
import { App } from './App';

const mount = document.getElementById('whm2fa');
if (mount !== null) render(<App ownTitle={mount.dataset['chrome'] !== 'whm'} />, mount);
