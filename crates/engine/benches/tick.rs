//! One tick of the standard busy fleet (always mid-replacement), at classroom and at large sizes.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use lab_engine::BusyFleet;

fn busy_fleet_tick(c: &mut Criterion) {
    let mut group = c.benchmark_group("busy_fleet_tick");
    for instances in [100u32, 1_000, 10_000] {
        group.throughput(Throughput::Elements(u64::from(instances)));
        group.bench_with_input(BenchmarkId::from_parameter(instances), &instances, |b, &instances| {
            let mut fleet = BusyFleet::new(instances);
            for _ in 0..20 {
                fleet.step();
            }
            b.iter(|| fleet.step());
        });
    }
    group.finish();
}

criterion_group!(benches, busy_fleet_tick);
criterion_main!(benches);
