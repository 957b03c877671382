// Three short stories written for ReaderAI Classroom (ours, free to use), so a class can start
// reading the moment the app is installed. Teachers import their own books from the dashboard.
// A backslash at the end of a line continues the paragraph: the text has no line break there.
export interface Story {
  id: string;
  title: string;
  text: string;
}

export const STORIES: readonly Story[] = [
  {
    id: 'lighthouse-cat',
    title: 'The Lighthouse Cat',
    text: `Marlo was a grey cat who lived at the top of a tall white lighthouse. Every evening, when the sun slid \
into the sea, the keeper climbed the winding stairs and lit the great lamp. Marlo followed him, one step at a time, \
counting the stairs with his tail. There were one hundred and twelve.

The lamp turned slowly, sweeping a golden path across the dark water. Ships far away saw the light and knew where the \
rocks were hiding. "We keep the sailors safe," the keeper said, and Marlo purred as if he had thought of it himself.

One stormy night, the wind howled like a wolf and rain rattled the windows. Suddenly the lamp flickered and went out. \
The keeper hurried down to fetch a new wick, but the stairs were slippery and dark. Marlo heard a bell ringing out at \
sea. A small fishing boat was coming closer and closer to the rocks.

Marlo did not know how to fix a lamp. But he knew every corner of the lighthouse. He raced down the hundred and \
twelve stairs, found the keeper searching in the shadows, and meowed at the old wooden chest by the door. The keeper \
opened it. Inside was a lantern and a box of dry matches.

Together they climbed back up. The keeper lit the lantern and held it high in the window while he mended the great \
lamp. The little boat turned away from the rocks just in time. In the morning, the fisherman brought a fresh fish to \
the lighthouse door. "For the one who keeps watch," he said. Marlo decided that being brave was tiring, and that fish \
was the best reward of all.`,
  },
  {
    id: 'seed-that-waited',
    title: 'The Seed That Waited',
    text: `In a corner of the school garden, under a flat brown stone, there was a tiny seed. All the other seeds had \
already sprouted. The beans were climbing their poles, the sunflowers were nodding their heavy heads, and the \
pumpkins were spreading their leaves like green umbrellas.

"Why are you still asleep?" asked a busy ant. "Everyone else is growing."

"I am not asleep," said the seed. "I am waiting. The stone is too heavy, and I cannot push it away."

The ant tried to push the stone. It did not move. A beetle came to help, and then a worm wriggled up from the soil. \
They pushed and pulled together, but the stone stayed exactly where it was.

The next morning, a girl named Priya came to water the garden. She noticed the ants and the beetle gathered in a \
little circle. Curious, she knelt down and lifted the flat brown stone. Sunlight poured onto the soil for the first \
time.

Within a week, a pale green shoot appeared. Priya watered it every day and wrote in her notebook how tall it had \
grown. The shoot became a stem, the stem grew leaves, and at the end of summer it opened into a bright orange flower \
that no one in the class had ever seen before.

Priya's teacher looked it up in a big book of plants. "This flower is rare," she said. "It only grows when someone \
gives it a chance." Priya smiled, and the ant, who was watching from a leaf, felt very proud of the part it had \
played.`,
  },
  {
    id: 'map-of-small-things',
    title: 'The Map of Small Things',
    text: `Theo's grandmother gave him a notebook with a blue cover and said, "Draw a map, but only of small things." \
Theo thought that was a strange idea. Maps were for countries and oceans and mountains, not for small things.

Still, he took the notebook outside. He started with the crack in the pavement that looked like a river. He drew the \
moss beside it as a forest, and the pebbles as islands. A snail became a slow explorer, leaving a shiny road behind it.

The more Theo looked, the more he found. The bark of the old oak tree had canyons deep enough for a ladybird to hide \
in. A spider's web, wet with dew, was a bridge made of silver. Under a leaf he discovered a city of tiny white eggs, \
and he drew it very carefully so that nobody would step on it.

At dinner, Theo showed his grandmother the map. It covered six whole pages. She traced the river with her finger and \
asked him questions about every place. "Who lives in the silver bridge? How long does the snail's journey take? What \
will hatch from the city of eggs?"

Theo did not know all the answers. So the next day he went back outside with his notebook and a magnifying glass, \
ready to find out. He had learned that the world was much bigger than it looked, and that the smallest places could \
hold the biggest adventures.`,
  },
];
