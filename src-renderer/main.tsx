import '@mantine/core/styles.css';
import './app.css';
import { MantineProvider, createTheme, type CSSVariablesResolver } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { chooseApi } from './api/choose-api.js';
import { Root } from './Root.js';

/**
 * Mantine's defaults fall short of WCAG AA contrast in places (white on blue-6, dimmed gray text):
 * darker filled shades, automatic text contrast on filled colors, and a darker "dimmed".
 */
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  luminanceThreshold: 0.2,
  defaultRadius: 'sm',
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
});

const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { '--mantine-color-dimmed': 'var(--mantine-color-gray-7)' },
  dark: { '--mantine-color-dimmed': 'var(--mantine-color-dark-1)' },
});

// Zod compiles validators with `new Function` unless told not to; the strict CSP forbids eval.
z.config({ jitless: true });

const api = chooseApi();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" cssVariablesResolver={cssVariablesResolver}>
      <Root api={api} />
    </MantineProvider>
  </StrictMode>,
);
