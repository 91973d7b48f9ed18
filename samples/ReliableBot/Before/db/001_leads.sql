-- Leads, as the bot's first migration creates them.
CREATE TABLE IF NOT EXISTS leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    company TEXT NOT NULL,
    industry TEXT,
    employees INTEGER,
    crm_api_key_encrypted TEXT,
    created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP
);
