-- The bot's leads table, as its first migration creates it.
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY,
    owner TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT,
    api_key_encrypted TEXT
);
