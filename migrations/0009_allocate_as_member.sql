-- PUT /api/buckets/:id/allocation in one round trip: who may allocate is decided in the same
-- statement as the allocation (issue 12). The caller is `p_person`; with `p_session` the session
-- row is checked too (the route then skips its own session read). Without a live session, a
-- bucket the caller cannot see, or someone else's allocation entered by a non-admin, nothing is
-- written and `access` says why; otherwise the outcome of cagnotte_allocate() is returned with
-- what the reply needs of the round. The request hash is the one the server computed before:
-- sha256 of the JSON array ["PUT allocation", bucket, membership, amount].
CREATE FUNCTION cagnotte_allocate_as(
  p_person uuid, p_session uuid, p_now timestamptz, p_bucket uuid, p_member uuid,
  p_amount bigint, p_key text, p_request_id text
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v record;
  v_membership uuid;
BEGIN
  IF p_session IS NOT NULL AND NOT EXISTS (
    SELECT 1 FROM sessions s
    WHERE s.id = p_session AND s.kind = 'member' AND s.person_id = p_person AND s.revoked_at IS NULL AND s.expires_at > p_now
  ) THEN
    RETURN jsonb_build_object('access', 'no_session');
  END IF;
  SELECT b.round_id, r.kind, r.nearly_funded_percent, m.id AS membership_id, m.role INTO v
    FROM buckets b
    JOIN rounds r ON r.id = b.round_id
    JOIN memberships m ON m.organisation_id = r.organisation_id AND m.person_id = p_person AND m.active
    WHERE b.id = p_bucket;
  IF NOT FOUND THEN RETURN jsonb_build_object('access', 'not_found'); END IF;
  IF p_member IS NOT NULL AND p_member <> v.membership_id AND v.role <> 'admin' THEN
    RETURN jsonb_build_object('access', 'not_admin');
  END IF;
  v_membership := COALESCE(p_member, v.membership_id);
  RETURN cagnotte_allocate(
      p_person, p_key,
      encode(sha256(convert_to(format('["PUT allocation","%s","%s",%s]', p_bucket, v_membership, p_amount), 'UTF8')), 'hex'),
      p_request_id, v.round_id, p_bucket, v_membership, p_amount, v.membership_id)
    || jsonb_build_object('access', 'ok', 'membershipId', v_membership,
      'round', jsonb_build_object('id', v.round_id, 'kind', v.kind, 'nearlyFundedPercent', v.nearly_funded_percent));
END;
$$;
