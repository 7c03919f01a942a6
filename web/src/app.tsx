import { useEffect } from 'react';
import { Link, matchPath, navigate, usePath } from './router.js';
import { useSession } from './session.js';
import { consoleRoutes, homeFor, roleName } from './routes.js';
import { SignInPage } from './pages/sign-in.js';

function NoConsole({ role }: { role: string }) {
  return (
    <section className="waiting">
      <h1>No console for this key</h1>
      <p>
        {role === 'connector'
          ? 'Connector keys stream conversations into Cuecard; they cannot open a console. Sign in with an agent, supervisor or knowledge manager key.'
          : 'This version of Cuecard has no console for this role yet. Sign in with an agent, supervisor or knowledge manager key.'}
      </p>
    </section>
  );
}

export function App() {
  const { session, signOut } = useSession();
  const path = usePath();

  const identity = session.status === 'signed-in' ? session.identity : null;
  const home = identity ? homeFor(identity.role) : null;
  const matched = identity
    ? consoleRoutes
        .map((route) => ({ route, params: matchPath(route.path, path) }))
        .find(
          (candidate) => candidate.params !== null && candidate.route.roles.includes(identity.role),
        )
    : undefined;

  useEffect(() => {
    if (session.status === 'signed-out' && path !== '/sign-in')
      navigate('/sign-in', { replace: true });
    // Signed in on a page this role has no access to (or "/"): go to the role's home.
    if (session.status === 'signed-in' && !matched && home && path !== home)
      navigate(home, { replace: true });
  }, [session.status, matched, home, path]);

  if (session.status === 'checking') {
    return (
      <main className="centered" aria-busy="true">
        <p>Checking your key…</p>
      </main>
    );
  }
  if (session.status === 'signed-out') {
    return (
      <main id="main">
        <SignInPage onSignedIn={() => navigate('/', { replace: true })} />
      </main>
    );
  }

  const navRoutes = consoleRoutes.filter(
    (route) => route.label && route.roles.includes(session.identity.role),
  );
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <Link to={home ?? '/'} className="brand">
          <span className="brand-mark" aria-hidden="true">
            C
          </span>{' '}
          Cuecard
        </Link>
        <nav aria-label="Consoles">
          <ul>
            {navRoutes.map((route) => {
              const current = path === route.path || path.startsWith(`${route.path}/`);
              return (
                <li key={route.path}>
                  <Link to={route.path} aria-current={current ? 'page' : undefined}>
                    {route.label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <div className="identity">
          <span>
            {roleName(session.identity.role)}
            {session.identity.name
              ? ` · ${session.identity.name}`
              : session.identity.agentId
                ? ` · ${session.identity.agentId}`
                : ''}
            {session.identity.tenantId
              ? ` · ${session.identity.tenantName ?? session.identity.tenantId}`
              : ''}
          </span>
          <button type="button" className="button small ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {matched ? (
          matched.route.render(matched.params ?? {})
        ) : home ? null : (
          <NoConsole role={session.identity.role} />
        )}
      </main>
    </>
  );
}
