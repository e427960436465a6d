-- API processes cache valid keys (README "API keys") and LISTEN on api_keys_changed: a revoked,
-- deleted or otherwise changed key is named here at commit and dropped from every cache at once.
-- Inserts need no notice: a key not found is never cached.
CREATE FUNCTION "notify_api_key_changed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('api_keys_changed', OLD.key_hash);
  RETURN NULL;
END;
$$;

CREATE TRIGGER "api_keys_changed"
  AFTER UPDATE OR DELETE ON "api_keys"
  FOR EACH ROW EXECUTE FUNCTION "notify_api_key_changed"();

-- TRUNCATE fires no row trigger: an empty payload tells the caches to drop every key.
CREATE FUNCTION "notify_api_keys_truncated"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('api_keys_changed', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER "api_keys_truncated"
  AFTER TRUNCATE ON "api_keys"
  FOR EACH STATEMENT EXECUTE FUNCTION "notify_api_keys_truncated"();
