// What the classroom tells the teacher's live feed. The feed batches these into DELTA frames.
import type { Question, Student } from './student.js';

export interface FeedSink {
  studentChanged(student: Student): void;
  studentRemoved(studentId: string): void;
  questionChanged(question: Question): void;
  classroomChanged(): void;
  alert(level: 'info' | 'warning' | 'error', message: string): void;
}
