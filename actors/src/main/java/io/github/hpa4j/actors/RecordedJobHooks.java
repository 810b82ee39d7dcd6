package io.github.hpa4j.actors;

import io.github.hpa4j.core.ForwardingPageHooks;
import io.github.hpa4j.core.PageHooks;
import jdk.jfr.Event;

/**
 * The page hooks a page worker runs one job on: each purge, hugify and dehugify call becomes a JFR
 * event timed around the OS call and naming the job's shard. Map and unmap pass straight through:
 * jobs make neither.
 */
final class RecordedJobHooks extends ForwardingPageHooks {
    private final int shard;

    RecordedJobHooks(PageHooks delegate, int shard) {
        super(delegate);
        this.shard = shard;
    }

    @Override
    public void purge(long address, long size) {
        timed(new PurgeEvent(), address, size, () -> super.purge(address, size));
    }

    @Override
    public void hugify(long address, long size) {
        timed(new HugifyEvent(), address, size, () -> super.hugify(address, size));
    }

    @Override
    public void dehugify(long address, long size) {
        timed(new DehugifyEvent(), address, size, () -> super.dehugify(address, size));
    }

    /* The event spans the OS call and says whether it succeeded; a failure still propagates. */
    private void timed(PageCallEvent event, long address, long size, Runnable call) {
        event.begin();
        boolean ok = false;
        try {
            call.run();
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
