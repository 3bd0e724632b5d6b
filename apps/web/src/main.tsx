import './boot/index.js';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import './styles/app.css';
import { supabase } from './lib/supabase.js';
import { NotConfigured } from './screens/NotConfigured.js';

const root = createRoot(document.getElementById('root') as HTMLElement);

// Without a backend configured nothing else can work; say so instead of failing obscurely.
if (!supabase) {
  root.render(<NotConfigured />);
} else {
  const { App } = await import('./App.js');
  root.render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
