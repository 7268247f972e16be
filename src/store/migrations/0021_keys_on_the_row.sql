-- Issue 15: what a save writes. A new person's search keys (name, pinyin, initials, phone,
-- its tail, ID number) land in as many places of visitor_key, whose lookup is a prefix
-- search, and in its index by visitor: about nine pages of a new visitor's save. The desk
-- now keeps a new person's keys on their own row until they are filed into visitor_key
-- with the others saved since (when a shift opens, when more than a few hundred wait,
-- before and after an import): one page for all of them, and the lookup reads the few
-- waiting rows as well. The setting names the last person (by rowid) whose keys are filed;
-- every person already on file has theirs there.
ALTER TABLE visitor ADD COLUMN search_keys TEXT;
INSERT INTO setting(key, value)
    SELECT 'visitor_keys_filed_through', CAST(coalesce(max(rowid), 0) AS TEXT) FROM visitor WHERE true
    ON CONFLICT(key) DO UPDATE SET value = excluded.value;
