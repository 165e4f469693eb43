import { Center, Loader } from '@mantine/core';

/** What a block shows until its first answer arrives. */
export function Loading({ label }: { label: string }) {
  return (
    <Center py="lg" role="status" aria-label={label}>
      <Loader size="sm" aria-hidden="true" />
    </Center>
  );
}
