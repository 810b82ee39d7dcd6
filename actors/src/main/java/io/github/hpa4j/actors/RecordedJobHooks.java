package io.github.hpa4j.actors;

import io.github.hpa4j.core.PageHooks;
import jdk.jfr.Event;

/**
 * The page hooks a page worker runs one job on: each purge, hugify and dehugify call becomes a JFR
 * event timed around the OS call and naming the job's shard. Map and unmap pass straight through:
 * jobs make neither.
 */
final class RecordedJobHooks implements PageHooks {
    private final PageHooks delegate;
    private final int shard;

    RecordedJobHooks(PageHooks delegate, int shard) {
        this.delegate = delegate;
        this.shard = shard;
    }

    @Override
    public long map(long size) {
        return delegate.map(size);
    }

    @Override
    public void unmap(long address, long size) {
        delegate.unmap(address, size);
    }

    @Override
    public void purge(long address, long size) {
        PurgeEvent event = new PurgeEvent();
        event.begin();
        boolean ok = false;
        try {
            delegate.purge(address, size);
            ok = true;
        } finally {
            event.shard = shard;
            event.address = address;
            event.bytes = size;
            event.succeeded = ok;
            commit(event);
        }
    }

    @Override
    public void hugify(long address, long size) {
        HugifyEvent event = new HugifyEvent();
        event.begin();
        boolean ok = false;
        try {
            delegate.hugify(address, size);
            ok = true;
        } finally {
            event.shard = shard;
            event.address = address;
            event.bytes = size;
            event.succeeded = ok;
            commit(event);
        }
    }

    @Override
    public void dehugify(long address, long size) {
        DehugifyEvent event = new DehugifyEvent();
        event.begin();
        boolean ok = false;
        try {
            delegate.dehugify(address, size);
            ok = true;
        } finally {
            event.shard = shard;
            event.address = address;
            event.bytes = size;
            event.succeeded = ok;
            commit(event);
        }
    }

    private static void commit(Event event) {
        event.end();
        if (event.shouldCommit()) {
            event.commit();
        }
    }
}
