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
  /* 2: many classes on one install. The single class of the earlier release becomes the first
     class, keeping its id (the id of its open session, so tablets' saved socket URLs still work),
     code, students, tokens, progress and questions; every session becomes a lesson of it. Students
     of ended sessions had left the roster when their session ended: they stay, off the roster
     (removed = 1), so their records survive. Tables are rebuilt because SQLite cannot change a
     column's foreign key in place; children are dropped before parents. */ `
  CREATE TABLE classes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    teacher_name TEXT NOT NULL DEFAULT '',
    class_code TEXT NOT NULL UNIQUE,
    teacher_token TEXT NOT NULL UNIQUE,
    book_id TEXT NOT NULL,
    join_locked INTEGER NOT NULL DEFAULT 0,
    public_host TEXT,
    created_at INTEGER NOT NULL,
    archived_at INTEGER
  );
  CREATE TABLE lessons (
    id TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    started_at INTEGER NOT NULL,
    ended_at INTEGER
  );
  CREATE INDEX lessons_by_class ON lessons(class_id, started_at);
  CREATE TABLE students_v2 (
    id TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    removed INTEGER NOT NULL DEFAULT 0,
    blocked INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE progress_v2 (
    student_id TEXT PRIMARY KEY REFERENCES students_v2(id) ON DELETE CASCADE,
    book_id TEXT NOT NULL,
    word_idx INTEGER NOT NULL,
    audio_ts REAL NOT NULL,
    seq INTEGER NOT NULL,
    read_ms INTEGER NOT NULL DEFAULT 0,
    words_read INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER NOT NULL
  );
  CREATE TABLE questions_v2 (
    id TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES students_v2(id) ON DELETE CASCADE,
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

  INSERT INTO classes (id, name, class_code, teacher_token, book_id, join_locked, public_host, created_at)
    SELECT id, 'My class', class_code, lower(hex(randomblob(24))), book_id, join_locked, public_host,
      (SELECT min(started_at) FROM sessions)
    FROM sessions ORDER BY ended_at IS NULL DESC, started_at DESC LIMIT 1;
  INSERT INTO lessons (id, class_id, started_at, ended_at)
    SELECT id, (SELECT id FROM classes), started_at, ended_at FROM sessions;
  INSERT INTO students_v2 (id, class_id, name, token_hash, created_at, removed, blocked)
    SELECT id, (SELECT id FROM classes), name, token_hash, created_at,
      CASE WHEN session_id = (SELECT id FROM classes) THEN removed ELSE 1 END, blocked
    FROM students;
  INSERT INTO progress_v2 SELECT * FROM progress;
  INSERT INTO questions_v2 (id, class_id, lesson_id, student_id, question_id, question_text, book_id, word_idx,
      status, answer, source, flag, hidden, asked_at, answered_at)
    SELECT id, (SELECT id FROM classes), session_id, student_id, question_id, question_text, book_id, word_idx,
      status, answer, source, flag, hidden, asked_at, answered_at
    FROM questions;

  DROP TABLE questions;
  DROP TABLE progress;
  DROP TABLE students;
  DROP TABLE sessions;
  ALTER TABLE students_v2 RENAME TO students;
  ALTER TABLE progress_v2 RENAME TO progress;
  ALTER TABLE questions_v2 RENAME TO questions;
  CREATE INDEX students_by_class ON students(class_id);
  CREATE INDEX questions_by_lesson ON questions(lesson_id, asked_at);
  `,
  /* 3: rosters. A class may list its children; a child taps their name instead of typing it.
     `roster_shows` says what tablets see of each name; a student keeps the roster entry it took
     (roster_id), which goes back to NULL if the teacher drops that name from the roster. */ `
  CREATE TABLE rosters (
    class_id TEXT PRIMARY KEY REFERENCES classes(id) ON DELETE CASCADE,
    shows TEXT NOT NULL DEFAULT 'first_initial'
  );
  CREATE TABLE roster_entries (
    id TEXT PRIMARY KEY,
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL
  );
  CREATE INDEX roster_entries_by_class ON roster_entries(class_id, position);
  ALTER TABLE students ADD COLUMN roster_id TEXT REFERENCES roster_entries(id) ON DELETE SET NULL;
  `,
  /* 4: settings that differ per class, and what reports across lessons need: each child's
     totals at the end of each lesson, the books they were in, and the words they looked up.
     Everything goes with its class or child (ON DELETE CASCADE). */ `
  CREATE TABLE class_settings (
    class_id TEXT NOT NULL REFERENCES classes(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (class_id, key)
  );
  CREATE TABLE lesson_totals (
    lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    read_ms INTEGER NOT NULL,
    words_read INTEGER NOT NULL,
    PRIMARY KEY (lesson_id, student_id)
  );
  CREATE TABLE lesson_books (
    lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    book_id TEXT NOT NULL,
    PRIMARY KEY (lesson_id, student_id, book_id)
  );
  CREATE TABLE lookups (
    id INTEGER PRIMARY KEY,
    lesson_id TEXT NOT NULL REFERENCES lessons(id) ON DELETE CASCADE,
    student_id TEXT NOT NULL REFERENCES students(id) ON DELETE CASCADE,
    book_id TEXT NOT NULL,
    word TEXT NOT NULL,
    at INTEGER NOT NULL
  );
  CREATE INDEX lookups_by_student ON lookups(student_id, at);
  CREATE INDEX questions_by_student ON questions(student_id, asked_at);
  `,
  /* 5: narrated books: the clips of an EPUB's media overlays (JSON), their audio in the book's folder */ `
  ALTER TABLE books ADD COLUMN narration TEXT;
  `,
  /* 6: deletion that erases. A deleted child's (or class's) tablet token is remembered only as its
     sha256 (random, nothing about the child), so the tablet can be told to forget what it kept. */ `
  CREATE TABLE erased_tokens (
    token_hash TEXT PRIMARY KEY,
    erased_at INTEGER NOT NULL
  ) WITHOUT ROWID;
  `,
];
