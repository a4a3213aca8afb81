import { render } from 'preact';
import { App } from './App';
import { loadLanguage, markEnglish } from './i18n';

const mount = document.getElementById('whm2fa');
if (mount !== null) {
  const show = () => render(<App ownTitle={mount.dataset['chrome'] !== 'whm'} />, mount);
  // index.cgi names the user's language; its catalogs load before the first draw (English is built in).
  // A catalog that cannot be loaded leaves the page in English rather than blank.
  const english = () => {
    markEnglish(mount);
    show();
  };
  loadLanguage(mount.dataset['locale'] ?? 'en', mount.lang || 'en', mount.dataset['version'] ?? '').then(show, english);
}
