// What FormattedText loads on first use: the renderer and its styles.
import './formatting.css';

export { renderMarkdown } from './markdown.js';
