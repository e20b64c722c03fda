-- A signed-in buyer's account lists their orders, newest first.
CREATE INDEX orders_by_buyer ON orders (buyer_user_id, created_at);
