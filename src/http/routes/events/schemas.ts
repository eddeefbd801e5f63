export { EventViewSchema as EventView } from '../../../events/event-view.js';
