"""Compiled kernels of the ruin-and-recreate layer (``solver._rr``): plain arrays in and out.

Node ``2k`` is request ``k``'s pick-up, ``2k + 1`` its drop-off. A route is a
row of ``routes`` holding ``rlen[v]`` node ids; the driver's start and end are
implicit. Everything here is numba ``njit`` code, compiled once and cached on
disk (``cache=True``), so it runs at C speed: one ruin-and-recreate step on a
96-request day takes a fraction of a millisecond, where OR-Tools' own iterated
local search manages about 25 steps a second on that size (see
benchmarks/README.md).
"""

from __future__ import annotations

import numpy as np
from numba import njit

BIG = np.int64(1) << np.int64(60)
"""Stands in for 'no limit' (a ride cap, a duty cap, a latest time)."""


@njit(cache=True)
def seed_random(seed):
    """Seed numba's own generator (separate from NumPy's in Python)."""
    np.random.seed(seed)


@njit(cache=True)
def feasible(route, n, v, d, pos, times):
    """Whether the stops ``route[:n]`` can be timed for vehicle ``v`` (exact).

    The timing constraints are difference constraints on the service starts
    ``times[0..n+1]`` (0: departure, n+1: return): travel along the chain,
    windows, ride caps and the duty span. Relaxing them from the lower bounds
    reaches the least solution, which exists if and only if the route is
    feasible; a bound exceeded on the way proves it is not (as ``schedule.py``
    decides with Bellman-Ford).
    """
    loc, lo, hi, svc, ride = d.loc, d.lo, d.hi, d.svc, d.ride
    tt = d.tt
    for m in range(n):
        pos[route[m]] = m + 1
    times[0] = d.v_lo[v]
    for m in range(n):
        times[m + 1] = lo[route[m]]
    times[n + 1] = 0
    for _ in range(n + 3):
        changed = False
        prev_loc = d.v_start[v]
        prev_done = times[0]
        for m in range(1, n + 2):
            if m <= n:
                node = route[m - 1]
                here, upper, service = loc[node], hi[node], svc[node]
            else:
                here, upper, service = d.v_end[v], d.v_hi[v], 0
            arrive = prev_done + tt[prev_loc, here]
            if arrive > times[m]:
                times[m] = arrive
            if times[m] > upper:
                return False
            prev_loc = here
            prev_done = times[m] + service
        for m in range(n):
            node = route[m]
            if node % 2 == 1 and ride[node // 2] < BIG:
                p = pos[node - 1]
                need = times[m + 1] - svc[node - 1] - ride[node // 2]
                if need > times[p]:
                    times[p] = need
                    changed = True
        need = times[n + 1] - d.v_duty[v]
        if need > times[0]:
            times[0] = need
            changed = True
        if times[0] > d.v_hi[v]:
            return False
        if not changed:
            return True
    return False


@njit(cache=True)
def route_sum(route, n, v, d, matrix):
    """``matrix`` summed over the route's legs, driver's start to end (0 if empty).

    With ``d.cost`` the route's arc costs, with ``d.tt`` its travel seconds.
    """
    if n == 0:
        return 0
    total = matrix[d.v_start[v], d.loc[route[0]]]
    for m in range(n - 1):
        total += matrix[d.loc[route[m]], d.loc[route[m + 1]]]
    return total + matrix[d.loc[route[n - 1]], d.v_end[v]]


@njit(cache=True)
def copy_plan(src, dst):
    """Routes, lengths and assignment of ``src`` into ``dst`` (not the cost).

    Only the columns in use are copied: entries past a route's length are
    never read.
    """
    width = src.rlen.max()
    dst.routes[:, :width] = src.routes[:, :width]
    dst.rlen[:] = src.rlen
    dst.vehicle_of[:] = src.vehicle_of


@njit(cache=True)
def total_cost(routes, rlen, vehicle_of, d):
    """The objective the layer optimises (``objective_parts`` without extra ride time)."""
    total = 0
    for v in range(rlen.shape[0]):
        n = rlen[v]
        if n == 0:
            continue
        total += route_sum(routes[v], n, v, d, d.cost) + d.v_fixed[v]
        count = n // 2
        if d.workload > 0 and count > d.fair_share:
            total += d.workload * (count - d.fair_share)
    for k in range(vehicle_of.shape[0]):
        if not d.modelled[k]:
            continue
        if vehicle_of[k] < 0:
            total += d.penalty[k]
        else:
            total += d.extra[vehicle_of[k], k]
    return total


@njit(cache=True)
def _scan(route, n, v, d, times_a, times_z, load, child):
    """Earliest (A) and latest (Z) service starts ignoring ride caps, and loads after each stop."""
    loc, lo, hi, svc, tt = d.loc, d.lo, d.hi, d.svc, d.tt
    times_a[0] = d.v_lo[v]
    prev_loc, prev_done = d.v_start[v], d.v_lo[v]
    load[0] = 0
    child[0] = 0
    for m in range(1, n + 1):
        node = route[m - 1]
        a = prev_done + tt[prev_loc, loc[node]]
        if a < lo[node]:
            a = lo[node]
        times_a[m] = a
        prev_loc, prev_done = loc[node], a + svc[node]
        load[m] = load[m - 1] + d.seats[node]
        child[m] = child[m - 1] + d.child[node]
    times_a[n + 1] = prev_done + tt[prev_loc, d.v_end[v]]
    times_z[n + 1] = d.v_hi[v]
    next_loc = d.v_end[v]
    for m in range(n, 0, -1):
        node = route[m - 1]
        z = times_z[m + 1] - tt[loc[node], next_loc] - svc[node]
        if z > hi[node]:
            z = hi[node]
        times_z[m] = z
        next_loc = loc[node]
    times_z[0] = times_z[1] - tt[d.v_start[v], next_loc] if n > 0 else d.v_hi[v]


@njit(cache=True)
def best_insertion(k, v, routes, rlen, d, ws):
    """Cheapest feasible place for request ``k`` in vehicle ``v``'s route.

    Returns ``(delta, i, j)``: the pick-up goes before stop ``i``, the drop-off
    before stop ``j`` of the current route (``j >= i``); delta -1 if none fits.
    Cheap necessary conditions (seats, earliest and latest times without ride
    caps) prune positions; the survivors are tried cheapest first with the
    exact ``feasible`` check.
    """
    n = rlen[v]
    route = routes[v]
    p, q = 2 * k, 2 * k + 1
    loc, lo, hi, svc, tt, c = d.loc, d.lo, d.hi, d.svc, d.tt, d.cost
    times_a, times_z, load, child = ws.times_a, ws.times_z, ws.load, ws.child
    _scan(route, n, v, d, times_a, times_z, load, child)
    seats, kids = d.seats[p], d.child[p]
    cap, kcap = d.v_seats[v], d.v_child[v]
    lp, ld = loc[p], loc[q]
    ride = d.ride[k]
    drive_left = d.v_drive[v] - route_sum(route, n, v, d, d.tt) if d.v_drive[v] < BIG else BIG
    count = 0
    start = d.locked_len[v]
    for i in range(start, n + 1):
        if times_a[i] > hi[p]:
            break
        if load[i] + seats > cap or child[i] + kids > kcap:
            continue
        prev_loc = d.v_start[v] if i == 0 else loc[route[i - 1]]
        prev_svc = 0 if i == 0 else svc[route[i - 1]]
        next_loc = d.v_end[v] if i == n else loc[route[i]]
        ap = times_a[i] + prev_svc + tt[prev_loc, lp]
        if ap < lo[p]:
            ap = lo[p]
        if ap > hi[p]:
            continue
        # j == i: drop-off right after the pick-up.
        ad = ap + svc[p] + tt[lp, ld]
        if ad < lo[q]:
            ad = lo[q]
        if ad <= hi[q] and ad + svc[q] + tt[ld, next_loc] <= times_z[i + 1]:
            dc = c[prev_loc, lp] + c[lp, ld] + c[ld, next_loc] - c[prev_loc, next_loc]
            dt = tt[prev_loc, lp] + tt[lp, ld] + tt[ld, next_loc] - tt[prev_loc, next_loc]
            if dt <= drive_left:
                ws.cand_cost[count] = dc
                ws.cand_i[count] = i
                ws.cand_j[count] = i
                count += 1
        if ap + svc[p] + tt[lp, next_loc] > times_z[i + 1]:
            continue
        dcp = c[prev_loc, lp] + c[lp, next_loc] - c[prev_loc, next_loc]
        dtp = tt[prev_loc, lp] + tt[lp, next_loc] - tt[prev_loc, next_loc]
        peak = load[i]
        kpeak = child[i]
        for j in range(i + 1, n + 1):
            # Stops i+1..j (1-based) now carry the rider.
            if load[j] > peak:
                peak = load[j]
            if child[j] > kpeak:
                kpeak = child[j]
            if peak + seats > cap or kpeak + kids > kcap:
                break
            if times_a[j] > hi[q]:
                break
            if times_a[j] - hi[p] - svc[p] > ride:
                break
            before = loc[route[j - 1]]
            after = d.v_end[v] if j == n else loc[route[j]]
            ad = times_a[j] + svc[route[j - 1]] + tt[before, ld]
            if ad < lo[q]:
                ad = lo[q]
            if ad > hi[q] or ad + svc[q] + tt[ld, after] > times_z[j + 1]:
                continue
            dt = dtp + tt[before, ld] + tt[ld, after] - tt[before, after]
            if dt > drive_left:
                continue
            ws.cand_cost[count] = dcp + c[before, ld] + c[ld, after] - c[before, after]
            ws.cand_i[count] = i
            ws.cand_j[count] = j
            count += 1
    # Cheapest first: exact check until one passes.
    trial = ws.trial
    while count > 0:
        best = 0
        for m in range(1, count):
            if ws.cand_cost[m] < ws.cand_cost[best]:
                best = m
        i, j = ws.cand_i[best], ws.cand_j[best]
        _build(route, n, p, q, i, j, trial)
        if feasible(trial, n + 2, v, d, ws.pos, ws.times):
            return ws.cand_cost[best], i, j
        count -= 1
        ws.cand_cost[best] = ws.cand_cost[count]
        ws.cand_i[best] = ws.cand_i[count]
        ws.cand_j[best] = ws.cand_j[count]
    return -1, -1, -1


@njit(cache=True)
def _build(route, n, p, q, i, j, out):
    """``route[:n]`` with ``p`` before stop ``i`` and ``q`` before stop ``j`` into ``out``."""
    w = 0
    for m in range(n + 1):
        if m == i:
            out[w] = p
            w += 1
        if m == j:
            out[w] = q
            w += 1
        if m < n:
            out[w] = route[m]
            w += 1


@njit(cache=True)
def insert_at(k, v, i, j, routes, rlen, vehicle_of, ws):
    n = rlen[v]
    _build(routes[v], n, 2 * k, 2 * k + 1, i, j, ws.trial)
    routes[v, : n + 2] = ws.trial[: n + 2]
    rlen[v] = n + 2
    vehicle_of[k] = v


@njit(cache=True)
def remove_request(k, routes, rlen, vehicle_of):
    v = vehicle_of[k]
    n = rlen[v]
    w = 0
    for m in range(n):
        node = routes[v, m]
        if node // 2 != k:
            routes[v, w] = node
            w += 1
    rlen[v] = w
    vehicle_of[k] = -1


@njit(cache=True)
def insert_best(k, routes, rlen, vehicle_of, d, ws, open_routes=True):
    """Put request ``k`` where it adds least to the objective; False if it fits nowhere.

    With ``open_routes`` False an unused vehicle stays unused (fleet minimisation).
    """
    best_v, best_i, best_j = -1, -1, -1
    best = BIG
    for v in range(rlen.shape[0]):
        if not d.allowed[v, k]:
            continue
        if not open_routes and rlen[v] == 0:
            continue
        count = rlen[v] // 2
        if count + 1 > d.v_max_requests[v]:
            continue
        if d.night[k] and _night_count(routes[v], rlen[v], d) + 1 > d.v_max_night[v]:
            continue
        extra = d.extra[v, k]
        if rlen[v] == 0:
            extra += d.v_fixed[v]
        if d.workload > 0 and count + 1 > d.fair_share:
            extra += d.workload
        if extra >= best:
            continue
        delta, i, j = best_insertion(k, v, routes, rlen, d, ws)
        if i < 0:
            continue
        if delta + extra < best:
            best, best_v, best_i, best_j = delta + extra, v, i, j
    if best_v < 0 or best >= d.penalty[k]:
        return False
    insert_at(k, best_v, best_i, best_j, routes, rlen, vehicle_of, ws)
    return True


@njit(cache=True)
def _night_count(route, n, d):
    total = 0
    for m in range(n):
        if route[m] % 2 == 0 and d.night[route[m] // 2]:
            total += 1
    return total


@njit(cache=True)
def _ruin(routes, rlen, vehicle_of, d, ws, size):
    """Remove ``size`` related requests (Shaw removal); returns how many were removed."""
    served = ws.order
    count = 0
    for k in range(vehicle_of.shape[0]):
        if vehicle_of[k] >= 0 and d.removable[k]:
            served[count] = k
            count += 1
    if count == 0:
        return 0
    removed = ws.removed
    mode = np.random.random()
    if mode < 0.05 and d.has_fixed:
        # Empty one short route: the move that lowers the number of vehicles.
        # The shortest open route, give or take a few stops (one random draw per route).
        best_v, best_n = -1, 1 << 30
        for v in range(rlen.shape[0]):
            if rlen[v] == 0 or d.locked_len[v] > 0:
                continue
            score = rlen[v] + np.random.randint(0, 6)
            if score < best_n:
                best_v, best_n = v, score
        if best_v >= 0:
            r = 0
            for k in range(vehicle_of.shape[0]):
                if vehicle_of[k] == best_v and d.removable[k]:
                    removed[r] = k
                    r += 1
            for m in range(r):
                remove_request(removed[m], routes, rlen, vehicle_of)
            return r
    if size > count:
        size = count
    if mode < 0.15:
        # Random removal.
        for m in range(size):
            x = np.random.randint(m, count)
            served[m], served[x] = served[x], served[m]
            removed[m] = served[m]
        for m in range(size):
            remove_request(removed[m], routes, rlen, vehicle_of)
        return size
    removed[0] = served[np.random.randint(0, count)]
    remove_request(removed[0], routes, rlen, vehicle_of)
    r = 1
    n_req = d.related.shape[1]
    while r < size:
        base = removed[np.random.randint(0, r)]
        # Rank by relatedness, skewed to the closest (Ropke & Pisinger, p = 6).
        rank = int((np.random.random() ** 6) * n_req)
        picked = -1
        for step in range(n_req):
            cand = d.related[base, (rank + step) % n_req]
            if vehicle_of[cand] >= 0 and d.removable[cand]:
                picked = cand
                break
        if picked < 0:
            break
        remove_request(picked, routes, rlen, vehicle_of)
        removed[r] = picked
        r += 1
    return r


@njit(cache=True)
def _recreate(removed_count, routes, rlen, vehicle_of, d, ws, open_routes=True):
    """Insert the removed requests and any unserved ones, in a random one of four orders."""
    pool = ws.pool
    n = 0
    for m in range(removed_count):
        pool[n] = ws.removed[m]
        n += 1
    for k in range(vehicle_of.shape[0]):
        if d.modelled[k] and vehicle_of[k] < 0:
            seen = False
            for m in range(removed_count):
                if ws.removed[m] == k:
                    seen = True
                    break
            if not seen:
                pool[n] = k
                n += 1
    mode = np.random.randint(0, 4)
    keys = ws.keys
    for m in range(n):
        k = pool[m]
        if mode == 0:
            keys[m] = np.random.randint(0, 1 << 30)
        elif mode == 1:
            keys[m] = d.lo[2 * k]
        elif mode == 2:
            keys[m] = d.hi[2 * k + 1] - d.lo[2 * k]
        else:
            keys[m] = -d.penalty[k]
    order = np.argsort(keys[:n])
    for m in range(n):
        insert_best(pool[order[m]], routes, rlen, vehicle_of, d, ws, open_routes)


@njit(cache=True)
def search(state, best, d, ws, iterations, t_start, t_end, size_lo, size_hi):
    """Simulated annealing over ruin-and-recreate steps; returns the steps that improved the best.

    ``state`` and ``best`` hold routes, lengths, assignment and cost; the
    temperature falls geometrically from ``t_start`` to ``t_end`` over the
    ``iterations``. The caller runs this in slices so it can watch the clock.
    """
    improved = 0
    cand = ws.cand
    for it in range(iterations):
        frac = it / max(1, iterations)
        temp = t_start * (t_end / t_start) ** frac
        copy_plan(state, cand)
        size = np.random.randint(size_lo, size_hi + 1)
        removed = _ruin(cand.routes, cand.rlen, cand.vehicle_of, d, ws, size)
        _recreate(removed, cand.routes, cand.rlen, cand.vehicle_of, d, ws)
        cost = total_cost(cand.routes, cand.rlen, cand.vehicle_of, d)
        threshold = state.cost[0] - temp * np.log(np.random.random() + 1e-300)
        if cost < threshold:
            copy_plan(cand, state)
            state.cost[0] = cost
            if cost < best.cost[0]:
                copy_plan(cand, best)
                best.cost[0] = cost
                improved += 1
    return improved


@njit(cache=True)
def _absent(vehicle_of, d, absences):
    """How many modelled requests are unserved, and the sum of their absence counts."""
    count = 0
    total = 0
    for k in range(vehicle_of.shape[0]):
        if d.modelled[k] and vehicle_of[k] < 0:
            count += 1
            total += absences[k]
    return count, total


@njit(cache=True)
def drop_route(state, d, absences):
    """Unassign the route whose requests were least often left out (SISR); False if none."""
    best_v, best_score = -1, BIG
    for v in range(state.rlen.shape[0]):
        if state.rlen[v] == 0 or d.locked_len[v] > 0:
            continue
        score = 0
        for m in range(state.rlen[v]):
            node = state.routes[v, m]
            if node % 2 == 0:
                score += absences[node // 2] + 1
        if score < best_score:
            best_v, best_score = v, score
    if best_v < 0:
        return False
    for m in range(state.rlen[best_v]):
        node = state.routes[best_v, m]
        if node % 2 == 0:
            state.vehicle_of[node // 2] = -1
    state.rlen[best_v] = 0
    return True


@njit(cache=True)
def fleet_search(state, best, d, ws, iterations, absences, size_lo, size_hi):
    """Fewer vehicles: SISR's fleet minimisation (Christiaens & Vanden Berghe 2020).

    ``best`` holds the plan with every request served; ``state`` the plan
    being worked on, one route short of it, whose requests wait unserved. A
    step ruins and recreates without opening a new route and is kept if it
    leaves fewer requests out, or ones that were left out less often
    (``absences`` counts how often each request was). Once all are served
    the plan becomes ``best`` and the next route is dropped. Returns how
    many routes were saved.
    """
    saved = 0
    cand = ws.cand
    for _ in range(iterations):
        count, score = _absent(state.vehicle_of, d, absences)
        if count == 0:
            copy_plan(state, best)
            best.cost[0] = total_cost(state.routes, state.rlen, state.vehicle_of, d)
            saved += 1
            if not drop_route(state, d, absences):
                break
            continue
        for k in range(state.vehicle_of.shape[0]):
            if d.modelled[k] and state.vehicle_of[k] < 0:
                absences[k] += 1
        copy_plan(state, cand)
        size = np.random.randint(size_lo, size_hi + 1)
        removed = _ruin(cand.routes, cand.rlen, cand.vehicle_of, d, ws, size)
        _recreate(removed, cand.routes, cand.rlen, cand.vehicle_of, d, ws, False)
        c_count, c_score = _absent(cand.vehicle_of, d, absences)
        if c_count < count or c_score < score:
            copy_plan(cand, state)
    return saved
