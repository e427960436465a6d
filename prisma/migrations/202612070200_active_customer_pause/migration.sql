-- The customer's pause in force, read with a snapshot of its own. The create statement calls it
-- after its upsert has locked the customer's row: when a pause held that lock, the statement
-- waited for it to commit, and its own snapshot (taken before) would not show the pause; this
-- function's does. VOLATILE and PL/pgSQL, so it is never inlined into the caller's snapshot.
CREATE FUNCTION "active_customer_pause"(customer uuid) RETURNS SETOF "customer_pauses" LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  RETURN QUERY
    SELECT * FROM "customer_pauses" p
    WHERE p.customer_id = customer AND p.resumed_at IS NULL AND (p.until IS NULL OR p.until > now())
    ORDER BY p.paused_at DESC LIMIT 1;
END;
$$;
