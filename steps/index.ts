// Every step phrase of the harness, by feature (the steps.md id prefix tells the folder; common/
// holds the phrases every feature uses). Loaded by the host (through
// steps/support/register.ts) and by every servo (compiled: dist/steps/index.js).
import './parameters';
import './common/environment';
import './common/buffers';
import './01-basic/frames';
import './01-basic/flow-control';
import './01-basic/zero-copy';
import './01-basic/sizes-and-loops';
import './02-lifecycle/processes';
import './02-lifecycle/frames';
import './02-lifecycle/replacement';
import './04-edge-cases/buffers';
import './04-edge-cases/race';
import './04-edge-cases/wrap-around';
import './04-edge-cases/signals';
import './04-edge-cases/metadata';
import './04-edge-cases/sizes';
import './04-edge-cases/exact-fit';
import './04-edge-cases/writers';
import './04-edge-cases/startup';
import './03-errors/metadata';
import './03-errors/without-metadata';
import './05-corruption/reads';
import './05-corruption/control-block';
import './05-corruption/reader-death';
import './05-corruption/wrap-waste';
import './05-corruption/free-space';
import './05-corruption/max-frame';
import './06-synchronization/sequence-gap';
import './06-synchronization/burst';
import './04-edge-cases/flow-control';
import './04-edge-cases/rapid-cycles';
import './06-synchronization/flow-control';
import './06-synchronization/signals';
