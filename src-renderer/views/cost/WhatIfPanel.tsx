import { Alert, Button, Group, NumberInput, Paper, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.js';
import type { OperationOutput } from '../../../src-main/api/contract.js';
import { errorText } from '../../lib/errors.js';

type WhatIfReport = OperationOutput<'whatIf'>;

const rows: Array<[string, (column: WhatIfReport['columns'][number], currency: string) => string]> = [
  ['VM-hours', (c) => c.vmHours.toFixed(2)],
  ['Cost', (c, currency) => (c.cost === undefined ? '–' : `${c.cost.toFixed(2)} ${currency}`)],
  ['Starts', (c) => String(c.starts)],
  ['Tasks', (c) => String(c.tasks)],
  ['Wait mean', (c) => `${Math.round(c.meanWaitSeconds)} s`],
  ['Wait p95', (c) => `${Math.round(c.p95WaitSeconds)} s`],
];

const columnNames: Record<string, string> = {
  recorded: 'Recorded',
  current: 'Current settings',
  proposed: 'These settings',
  optimum: 'Optimum',
};

/** Replays the period's recorded tasks under other idle grace and minimum uptime (the `whatif` command). */
export function WhatIfPanel({ from }: { from: () => number }) {
  const api = useApi();
  const [idleGrace, setIdleGrace] = useState<number | string>(5);
  const [minUptime, setMinUptime] = useState<number | string>(0);
  const [report, setReport] = useState<WhatIfReport>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);

  const replay = async () => {
    setRunning(true);
    try {
      setReport(
        await api.whatIf({
          from: from(),
          policy: {
            ...(idleGrace !== '' && { idleGraceMinutes: Number(idleGrace) }),
            ...(minUptime !== '' && { minUptimeMinutes: Number(minUptime) }),
          },
        }),
      );
      setError(undefined);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setRunning(false);
    }
  };

  return (
    <Paper withBorder p="md" radius="md">
      <Title order={3} size="h5" mb="xs">
        What if
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        Replays this period's recorded tasks through the simulator under other settings, beside what was
        recorded and the optimum that knows every task in advance.
      </Text>
      <Group align="end" wrap="wrap">
        <NumberInput
          label="Idle grace (minutes)"
          min={0}
          max={1440}
          value={idleGrace}
          onChange={setIdleGrace}
          w={180}
        />
        <NumberInput
          label="Minimum uptime (minutes)"
          min={0}
          max={1440}
          value={minUptime}
          onChange={setMinUptime}
          w={200}
        />
        <Button onClick={() => void replay()} loading={running}>
          Replay
        </Button>
      </Group>
      {error && (
        <Alert color="red" mt="sm" title="Cannot replay">
          {error}
        </Alert>
      )}
      {report && (
        <Table.ScrollContainer minWidth={420} mt="sm">
          <Table data-testid="whatif-table" striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th />
                {report.columns.map((column) => (
                  <Table.Th key={column.name}>{columnNames[column.name]}</Table.Th>
                ))}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map(([label, cell]) => (
                <Table.Tr key={label}>
                  <Table.Th scope="row">{label}</Table.Th>
                  {report.columns.map((column) => (
                    <Table.Td key={column.name} className="tabular">
                      {cell(column, report.currency)}
                    </Table.Td>
                  ))}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Paper>
  );
}
