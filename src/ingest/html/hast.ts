/** Small helpers over hast trees shared by the clean-up transforms. */
import type { Element, ElementContent, Nodes, Parents, Root, RootContent, Text } from 'hast';

export type { Element, ElementContent, Nodes, Parents, Root, RootContent, Text };

export function isElement(node: Nodes | undefined, ...tags: string[]): node is Element {
  return node !== undefined && node.type === 'element' && (tags.length === 0 || tags.includes(node.tagName));
}

export function isText(node: Nodes | undefined): node is Text {
  return node !== undefined && node.type === 'text';
}

export function prop(node: Element, name: string): string | null {
  const value = node.properties[name];
  if (value === undefined || value === null || value === false) return null;
  if (Array.isArray(value)) return value.join(' ');
  return String(value);
}

export function classes(node: Element): string[] {
  const value: unknown = node.properties['className'];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? value.split(/\s+/) : [];
}

/** Plain text of a subtree, without recursion (trees from the web can be deep). */
export function textContent(node: Nodes): string {
  let out = '';
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'text') out += current.value;
    else if (current.type === 'element' && current.tagName === 'br') out += '\n';
    else if ('children' in current) {
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]!);
    }
  }
  return out;
}

/** Every element of a subtree in document order, without recursion. */
export function elements(root: Nodes): Element[] {
  const out: Element[] = [];
  const stack: Nodes[] = [root];
  while (stack.length > 0) {
    const current = stack.pop()!;
    if (current.type === 'element') out.push(current);
    if ('children' in current) {
      for (let i = current.children.length - 1; i >= 0; i--) stack.push(current.children[i]!);
    }
  }
  return out;
}

/** Removes, from anywhere in the tree, the elements for which `test` is true. */
export function removeWhere(root: Parents, test: (el: Element) => boolean): number {
  let removed = 0;
  const stack: Parents[] = [root];
  while (stack.length > 0) {
    const parent = stack.pop()!;
    const kept: typeof parent.children = [];
    for (const child of parent.children) {
      if (child.type === 'element' && test(child)) {
        removed++;
        continue;
      }
      if (child.type === 'comment') continue;
      kept.push(child as never);
      if ('children' in child) stack.push(child);
    }
    parent.children = kept as never;
  }
  return removed;
}

export function h(tagName: string, properties: Element['properties'], children: ElementContent[]): Element {
  return { type: 'element', tagName, properties, children };
}

export function text(value: string): Text {
  return { type: 'text', value };
}

/** Whether `squash(value)` would be empty: nothing but white space (cheaper than making it). */
export function isBlank(value: string): boolean {
  return !/\S/.test(value);
}

/** Normalizes white space the way a reader sees it, keeping CJK text unspaced. */
export function squash(value: string): string {
  return value.replace(/[\u00a0\u3000\s]+/g, ' ').trim();
}
