import { Alert, Anchor, AppShell, Burger, Group, NavLink, ScrollArea, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { useApi } from './api/ApiProvider.js';
import { ColorSchemeToggle } from './components/ColorSchemeToggle.js';
import { StatusHeader } from './components/StatusHeader.js';
import { href, useRoute, type View } from './lib/route.js';
import { useLive } from './store/live-store.js';
import { useLiveSync } from './store/use-live-sync.js';
import { EventsView } from './views/events/EventsView.js';
import { HostsView } from './views/hosts/HostsView.js';
import { OverviewView } from './views/overview/OverviewView.js';
import { RunnersView } from './views/runners/RunnersView.js';
import { SessionsView } from './views/sessions/SessionsView.js';
import { SettingsView } from './views/settings/SettingsView.js';
import { CostView } from './views/cost/CostView.js';

const navigation: { view: View; label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'hosts', label: 'Hosts' },
  { view: 'runners', label: 'Runners' },
  { view: 'sessions', label: 'Live sessions' },
  { view: 'events', label: 'Event log' },
  { view: 'cost', label: 'Cost' },
  { view: 'settings', label: 'Settings' },
];

function CurrentView({ view, rest }: { view: View; rest: string[] }) {
  switch (view) {
    case 'hosts':
      return <HostsView rest={rest} />;
    case 'runners':
      return <RunnersView rest={rest} />;
    case 'sessions':
      return <SessionsView />;
    case 'events':
      return <EventsView />;
    case 'cost':
      return <CostView />;
    case 'settings':
      return <SettingsView />;
    default:
      return <OverviewView />;
  }
}

function ConnectionBanner() {
  const connection = useLive((store) => store.connection);
  const problem = useLive((store) => store.problem);
  if (connection !== 'lost') return null;
  return (
    <Alert color="red" title="Connection to the service lost" mb="md" role="alert">
      {problem} — retrying every few seconds.
    </Alert>
  );
}

export function App() {
  const api = useApi();
  useLiveSync(api);
  const route = useRoute();
  const [opened, { toggle, close }] = useDisclosure();
  const main = useRef<HTMLElement>(null);
  const label = navigation.find((item) => item.view === route.view)?.label ?? 'Overview';

  useEffect(() => {
    document.title = `${label} · Session Manager`;
    close();
  }, [label, close]);

  return (
    <AppShell
      header={{ height: 60 }}
      navbar={{ width: 200, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Anchor
          href="#main"
          className="skip-link"
          onClick={(event) => {
            // The fragment names views: move focus without navigating.
            event.preventDefault();
            main.current?.focus();
          }}
        >
          Skip to content
        </Anchor>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger
              opened={opened}
              onClick={toggle}
              hiddenFrom="sm"
              size="sm"
              aria-label="Toggle navigation"
            />
            {/* On a phone the header's room goes to the budget, Pause and the theme switch. */}
            <Title order={1} size="h4" visibleFrom="xs">
              Session Manager
            </Title>
          </Group>
          <Group gap="md" wrap="nowrap">
            <StatusHeader />
            <ColorSchemeToggle />
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Views">
        <ScrollArea>
          {navigation.map((item) => (
            <NavLink
              key={item.view}
              href={href(item.view)}
              label={item.label}
              active={route.view === item.view}
              aria-current={route.view === item.view ? 'page' : undefined}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main id="main" ref={main} tabIndex={-1}>
        <ConnectionBanner />
        <CurrentView view={route.view} rest={route.rest} />
      </AppShell.Main>
    </AppShell>
  );
}
