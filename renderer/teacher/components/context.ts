// What every panel of the dashboard reaches: the API, the model, and `act`, which runs one teacher
// action and turns a failure into a message on screen (never a silent no-op).
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { TeacherApi } from '../lib/api.js';
import type { ClassModel } from '../lib/model.js';

export interface Dashboard {
  api: TeacherApi;
  model: ClassModel;
  /** Runs an action; on failure shows "Could not {what}: {server's message}" and resolves to undefined. */
  act<T>(what: string, action: () => Promise<T>): Promise<T | undefined>;
  notify(message: string, tone?: 'info' | 'error'): void;
}

export const DashboardContext = createContext<Dashboard | null>(null);

export function useDashboard(): Dashboard {
  const d = useContext(DashboardContext);
  if (!d) throw new Error('useDashboard outside DashboardContext');
  return d;
}
