// The stack for the end-to-end run and the load bench: its one home is tools/stack.
export { answering, ensureStack, type Stack } from '@edge-gallery/stack';
