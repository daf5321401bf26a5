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
  // Field errors: Mantine's red-6 (light) and red-8 (dark) are below 4.5:1 on the body and inputs.
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-error': 'var(--mantine-color-red-9)',
  },
  dark: {
    '--mantine-color-dimmed': 'var(--mantine-color-dark-1)',
    '--mantine-color-error': 'var(--mantine-color-red-4)',
  },
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
