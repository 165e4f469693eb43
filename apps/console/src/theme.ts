import { createTheme, Modal, TableScrollContainer, type CSSVariablesResolver } from '@mantine/core';

/**
 * Contrast first (WCAG AA, 4.5:1 for text): filled buttons and badges use shade 9, whose white text
 * passes for blue, red, teal, grape, violet, indigo and gray (not green, orange or yellow: the console
 * does not use them for text). System fonts only: nothing is fetched from the internet.
 */
export const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 9,
  defaultRadius: 'sm',
  cursorType: 'pointer',
  components: {
    // The modal's close button is an icon: it needs a name for screen readers.
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // A table that scrolls sideways (narrow screens) must be reachable with the keyboard.
    TableScrollContainer: TableScrollContainer.extend({
      defaultProps: { scrollAreaProps: { viewportProps: { tabIndex: 0 } } },
    }),
  },
});

/**
 * Mantine's "dimmed" grey (gray-6 on white, 3.3:1) becomes gray-7 (8:1); "light" variants (alerts,
 * the active navigation link) get the palest background (shade 0), so their shade-9 text passes.
 */
export const cssVariablesResolver: CSSVariablesResolver = (current) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': 'var(--mantine-color-gray-7)',
    '--mantine-color-placeholder': 'var(--mantine-color-gray-7)',
    ...Object.fromEntries(
      Object.keys(current.colors).flatMap((color) => [
        [`--mantine-color-${color}-light`, `var(--mantine-color-${color}-0)`],
        [`--mantine-color-${color}-light-hover`, `var(--mantine-color-${color}-1)`],
      ]),
    ),
  },
  dark: {},
});
