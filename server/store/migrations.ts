// Schema history. Each entry runs once, in order, inside a transaction; PRAGMA user_version records
// how many have run. Never edit a shipped migration: add a new one.
export const MIGRATIONS: readonly string[] = [
  /* 1: first schema */ `
  CREATE TABLE books (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    builtin INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    class_code TEXT NOT NULL,
    book_id TEXT NOT NULL,
    join_locked INTEGER NOT NULL DEFAULT 0,
    public_host TEXT,
    started_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE TABLE students (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX students_by_session ON students(session_id);
  CREATE TABLE progress (
    student_id TEXT PRIMARY KEY REFERENCES students(id),
    book_id TEXT NOT NULL,
    word_idx INTEGER NOT NULL,
    audio_ts REAL NOT NULL,
    seq INTEGER NOT NULL,
    read_ms INTEGER NOT NULL DEFAULT 0,
    words_read INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE questions (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    student_id TEXT NOT NULL REFERENCES students(id),
    question_id TEXT NOT NULL,
    question_text TEXT NOT NULL,
    book_id TEXT NOT NULL,
    word_idx INTEGER NOT NULL,
    status TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    source TEXT,
    flag TEXT,
    hidden INTEGER NOT NULL DEFAULT 0,
    asked_at INTEGER NOT NULL,
    answered_at INTEGER,
    UNIQUE (student_id, question_id)
  );
  CREATE INDEX questions_by_session ON questions(session_id, asked_at);
  CREATE TABLE definitions (
    key TEXT PRIMARY KEY,
    word TEXT NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
];
