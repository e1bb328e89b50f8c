import type { BrowserApp, Screen } from './browser-app.ts';

/** Claire Dupont, admin of a new organisation named `organisation`, on its new-round form. */
export async function anAdminOnTheNewRoundForm(app: BrowserApp, organisation: string, screen: Screen) {
  const org = await app.t.given.org({ name: organisation });
  const admin = await app.t.given.member({ organisationId: org.id, role: 'admin', name: 'Claire Dupont' });
  const page = await app.open(admin, screen);
  await page.goto(`${app.origin}/orgs/${org.id}/rounds/new`);
  return { org, admin, page };
}
