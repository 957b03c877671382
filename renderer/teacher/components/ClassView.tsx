// The class screen: tablets asking for a name in use, the join panel, the class list and capacity
// on the left, the students in the middle, the questions on the right.
import { useDashboard } from './context.js';
import { JoinPanel } from './JoinPanel.js';
import { CapacityPanel } from './CapacityPanel.js';
import { StudentPanel } from './StudentPanel.js';
import { FeedPanel } from './FeedPanel.js';
import { RosterPanel } from './RosterPanel.js';
import { TakeoverRequests } from './TakeoverRequests.js';

export function ClassView() {
  const { model } = useDashboard();
  const room = model.classroom;
  if (!room) {
    return (
      <div class="empty-state">
        <span class="spinner" aria-hidden="true" /> Connecting to the classroom server…
      </div>
    );
  }
  return (
    <div class="class-view">
      <aside class="col-side">
        <TakeoverRequests requests={model.takeovers} />
        <JoinPanel room={room} />
        <RosterPanel />
        <CapacityPanel />
      </aside>
      <StudentPanel />
      <FeedPanel />
    </div>
  );
}
