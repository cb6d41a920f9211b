// Placeholder module until the console's shell lands.
export const hello = 'cishan';
