import { useId, useState } from 'preact/hooks';
import type { CachedCustomer } from '../cache/db';
import { db } from '../cache/db';
import { searchCustomers } from '../cache/queries';
import { useLiveQuery } from '../ui/hooks';

const RESULTS = 8;

/** Type-ahead over the cached directory (a combobox: arrow keys move, Enter picks, Esc closes). */
export function CustomerSearch({ onPick }: { onPick: (customer: CachedCustomer) => void }) {
  const id = useId();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const results = useLiveQuery(() => searchCustomers(db(), query, RESULTS), [query]) ?? [];
  const expanded = open && query.trim() !== '' && results.length > 0;
  const activeIndex = Math.min(active, results.length - 1);

  function pick(customer: CachedCustomer | undefined) {
    if (!customer) return;
    onPick(customer);
    setQuery('');
    setOpen(false);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setOpen(true);
      setActive((index) => Math.min(index + 1, results.length - 1));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setActive((index) => Math.max(index - 1, 0));
    } else if (event.key === 'Enter' && expanded && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      pick(results[activeIndex]);
    } else if (event.key === 'Escape' && expanded) {
      event.preventDefault();
      setOpen(false);
    }
  }

  return (
    <div class="customer-search">
      <label for={`${id}-input`}>Find a customer</label>
      <input
        id={`${id}-input`}
        type="search"
        role="combobox"
        autoComplete="off"
        placeholder="Name or company"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded ? `${id}-option-${activeIndex}` : undefined}
        value={query}
        onInput={(event) => {
          setQuery(event.currentTarget.value);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <div id={`${id}-list`} role="listbox" class="list search-results" hidden={!expanded}>
        {results.map((customer, index) => (
          <div
            key={customer.id}
            id={`${id}-option-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === activeIndex}
            class={index === activeIndex ? 'active' : undefined}
            // mousedown, not click: the input's blur would close the list first
            onMouseDown={(event) => {
              event.preventDefault();
              pick(customer);
            }}
          >
            {customer.name}
            {customer.company && <span class="muted small"> · {customer.company}</span>}
          </div>
        ))}
      </div>
      {open && query.trim() !== '' && results.length === 0 && (
        <p class="muted small">No customer in the cache matches “{query.trim()}”.</p>
      )}
    </div>
  );
}
