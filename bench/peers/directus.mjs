// Runs Directus for bench/peers.py, from the install DIRECTUS_ROOT names (bench/results/peers):
//   node directus.mjs bootstrap   install or migrate its database, then exit
//   node directus.mjs start       serve with BENCH_WORKERS processes
// Several workers share one port through node:cluster, as Directus's own PM2 setup (cluster mode)
// does; the update check of the `directus` command is skipped, since the version is pinned.
import cluster from 'node:cluster';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = process.env.DIRECTUS_ROOT ?? process.cwd();
const resolve = createRequire(join(root, 'package.json')).resolve;
const load = (specifier) => import(pathToFileURL(resolve(specifier)).href);
const command = process.argv[2];

if (command === 'bootstrap') {
	process.argv = [process.argv[0], 'directus', 'bootstrap'];
	await load('@directus/api/cli/run.js');
} else if (command === 'start') {
	const workers = Number(process.env.BENCH_WORKERS ?? '1');
	if (cluster.isPrimary && workers > 1) {
		let stopping = false;
		for (let i = 0; i < workers; i++) cluster.fork();
		cluster.on('exit', (worker, code, signal) => {
			if (stopping) {
				if (Object.keys(cluster.workers).length === 0) process.exit(0);
				return;
			}
			// A worker that dies under load is a failed run, not something to paper over by a restart.
			console.error(`directus worker ${worker.process.pid} exited (${signal ?? code}); stopping`);
			stopping = true;
			for (const other of Object.values(cluster.workers)) other.process.kill('SIGTERM');
			process.exitCode = 1;
		});
		for (const name of ['SIGTERM', 'SIGINT']) {
			process.on(name, () => {
				stopping = true;
				for (const worker of Object.values(cluster.workers)) worker.process.kill(name);
			});
		}
	} else {
		await load('@directus/api/start');
	}
} else {
	console.error('usage: node directus.mjs bootstrap|start');
	process.exit(2);
}
