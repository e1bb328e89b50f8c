import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown.ts';

describe('renderMarkdown', () => {
  it('renders emphasis and lists', () => {
    expect(renderMarkdown('**Budget** :\n\n- bancs\n- arbres')).toBe('<p><strong>Budget</strong> :</p>\n<ul>\n<li>bancs</li>\n<li>arbres</li>\n</ul>\n');
  });
  it('never lets a script through', () => {
    const html = renderMarkdown('<script>alert(1)</script><img src=x onerror=alert(1)>');
    expect(html).not.toMatch(/<script|<img/);
    expect(html).toContain('&lt;script&gt;');
  });
  it('drops javascript: links', () => {
    expect(renderMarkdown('[clic](javascript:alert(1))')).not.toContain('href="javascript:');
  });
  it('marks links as external and nofollow', () => {
    expect(renderMarkdown('[site](https://example.org)')).toContain('rel="noopener noreferrer nofollow"');
  });
});
