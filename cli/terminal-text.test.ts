// What the command line prints can come from servers, logs and extracts it does not trust
// (issue 22): no terminal escape sequence or bidi override reaches the terminal.
import { describe, expect, it } from 'vitest';
import { terminalText } from './args';

describe('terminalText', () => {
	it('shows escapes, C1 controls and bidi overrides as visible stand-ins, keeping lines and tabs', () => {
		expect(terminalText('owner: \u001b]0;pwned\u0007Eve\u001b[2J')).toBe('owner: ⟨U+001B⟩]0;pwned⟨U+0007⟩Eve⟨U+001B⟩[2J');
		expect(terminalText('\u009b31mred')).toBe('⟨U+009B⟩31mred');
		expect(terminalText('value 1\u202e0001')).toBe('value 1⟨U+202E⟩0001');
		expect(terminalText('✓ line one\n\tline two')).toBe('✓ line one\n\tline two');
		expect(terminalText('carriage\rreturn')).toBe('carriage⟨U+000D⟩return');
	});
});
