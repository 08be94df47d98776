import { useId, useState } from 'preact/hooks';
import { OUT_OF_SPACE_MESSAGE } from '../cache/notes';
import { CHANNELS, type Channel, LIMITS, type Visibility } from '../protocol';
import { CHANNEL_LABELS, VISIBILITY_LABELS } from './labels';
import type { NoteDraft } from './notes';

interface NoteFormProps {
  /** the customer the note is about; without one the form cannot save */
  customerId: string | undefined;
  /** stores the note (in this page's cache, or through the worker for the sidebar) */
  save: (draft: NoteDraft) => Promise<void>;
  /** fewer fields for the sidebar: the topic is left out */
  compact?: boolean;
  autoFocus?: boolean;
  onSaved?: () => void;
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

/** The note form of the popup and the sidebar. If saving fails the text stays, with the reason. */
export function NoteForm({ customerId, save, compact, autoFocus, onSaved }: NoteFormProps) {
  const id = useId();
  const [body, setBody] = useState('');
  const [channel, setChannel] = useState<Channel>('note');
  const [topic, setTopic] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('team');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string>();
  const [savedMessage, setSavedMessage] = useState<string>();

  const canSave = Boolean(customerId && body.trim() && !saving);

  async function submit() {
    if (!customerId || saving) return;
    if (!body.trim()) {
      setError('Write something first.');
      return;
    }
    setSaving(true);
    setError(undefined);
    setSavedMessage(undefined);
    try {
      await save({ customerId, channel, body, topic: topic.trim() || undefined, visibility });
      setBody('');
      setTopic('');
      setSavedMessage('Saved. It syncs in the background, also if you are offline now.');
      onSaved?.();
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setSaving(false);
    }
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void submit();
    }
  }

  return (
    <form
      class="stack note-form"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
      onKeyDown={onKeyDown}
    >
      <div>
        <label for={`${id}-body`}>Note</label>
        <textarea
          id={`${id}-body`}
          value={body}
          maxLength={LIMITS.noteBody}
          rows={compact ? 3 : 5}
          placeholder="What happened, what was agreed, what is next…"
          // biome-ignore lint/a11y/noAutofocus: the popup and an opened "add note" exist to type
          autoFocus={autoFocus}
          onInput={(event) => {
            setBody(event.currentTarget.value);
            setSavedMessage(undefined);
          }}
        />
      </div>
      <div class="row">
        <div class="grow">
          <label for={`${id}-channel`}>Channel</label>
          <select
            id={`${id}-channel`}
            value={channel}
            onChange={(event) => setChannel(event.currentTarget.value as Channel)}
          >
            {CHANNELS.map((value) => (
              <option key={value} value={value}>
                {CHANNEL_LABELS[value]}
              </option>
            ))}
          </select>
        </div>
        {!compact && (
          <div class="grow">
            <label for={`${id}-topic`}>Topic</label>
            <input
              id={`${id}-topic`}
              type="text"
              value={topic}
              maxLength={LIMITS.topic}
              placeholder="optional"
              onInput={(event) => setTopic(event.currentTarget.value)}
            />
          </div>
        )}
      </div>
      <fieldset>
        <legend>Visibility</legend>
        {(['team', 'restricted'] as const).map((value) => (
          <label class="choice" key={value}>
            <input
              type="radio"
              name={`${id}-visibility`}
              value={value}
              checked={visibility === value}
              onChange={() => setVisibility(value)}
            />
            {VISIBILITY_LABELS[value]}
          </label>
        ))}
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error === OUT_OF_SPACE_MESSAGE ? error : `Not saved: ${error}`}
        </p>
      )}
      {savedMessage && (
        <p class="ok small" role="status">
          {savedMessage}
        </p>
      )}
      <div class="row">
        <button type="submit" class="primary" disabled={!canSave}>
          {saving ? 'Saving…' : 'Save note'}
        </button>
        <span class="muted small">{isMac ? '⌘' : 'Ctrl'}+Enter</span>
      </div>
    </form>
  );
}
