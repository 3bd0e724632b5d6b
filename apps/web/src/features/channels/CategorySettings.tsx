import { type FormEvent, useState } from 'react';
import { stores, useServers } from '../../app/stores.js';
import { ActionMessage, useAction } from '../../components/settings/action.js';
import './channels.css';

/** Create a category (no `categoryId`), or rename or delete one. */
export function CategorySettings({ serverId, categoryId }: { serverId: string; categoryId?: string }) {
  const category = useServers((s) => s.details[serverId]?.categories.find((c) => c.id === categoryId));
  const inside = useServers(
    (s) =>
      s.details[serverId]?.channels.filter((c) => categoryId && c.category_id === categoryId).length ?? 0,
  );
  const [name, setName] = useState(category?.name ?? '');
  const [confirming, setConfirming] = useState(false);
  const save = useAction();
  const remove = useAction();
  const admin = () => stores.channelAdmin.getState();
  const close = () => stores.ui.getState().openModal(null);

  if (categoryId && !category) return <p className="hint">This category no longer exists.</p>;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    void save.run(async () => {
      if (categoryId) await admin().renameCategory(serverId, categoryId, trimmed);
      else await admin().createCategory(serverId, trimmed);
      close();
    });
  };

  return (
    <div className="channel-settings">
      <form onSubmit={submit} aria-label={categoryId ? 'Rename category' : 'New category'}>
        <label>
          Category name
          <input required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <ActionMessage error={save.error} />
        <div className="form-actions">
          <button
            type="submit"
            className="primary"
            disabled={save.busy || !name.trim() || name.trim() === category?.name}
          >
            {categoryId ? 'Save' : 'Create category'}
          </button>
        </div>
      </form>
      {categoryId && category && (
        <section className="danger-zone" aria-label="Delete category">
          <h3>Delete category</h3>
          <p>
            {inside === 0
              ? 'This category has no channels.'
              : `Its ${inside === 1 ? 'channel moves' : `${inside} channels move`} out of the category; no channel is deleted.`}
          </p>
          <ActionMessage error={remove.error} />
          {confirming ? (
            <div className="form-actions">
              <button type="button" onClick={() => setConfirming(false)}>
                Cancel
              </button>
              <button
                type="button"
                className="danger-solid"
                disabled={remove.busy}
                onClick={() =>
                  void remove.run(async () => {
                    await admin().deleteCategory(serverId, categoryId);
                    close();
                  })
                }
              >
                Delete {category.name}
              </button>
            </div>
          ) : (
            <button type="button" className="danger" onClick={() => setConfirming(true)}>
              Delete category
            </button>
          )}
        </section>
      )}
    </div>
  );
}
