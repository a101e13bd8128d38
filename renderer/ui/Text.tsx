import type { ElementType } from 'react';

/**
 * Text from a packet: always a text node (React escapes it; nothing is parsed as HTML or markdown),
 * with its own direction (right-to-left text stays readable) and long words wrapping.
 */
export function Text({ children, as: Tag = 'span', className }: { children: string; as?: ElementType; className?: string }) {
  return (
    <Tag className={className ? `text ${className}` : 'text'} dir="auto">
      {children}
    </Tag>
  );
}
