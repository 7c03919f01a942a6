# Cuecard service image. Runs the TypeScript sources with tsx (a runtime dependency),
# so there is no build step: install, copy, start.
FROM node:20-slim

# onnxruntime-node would otherwise try to download CUDA binaries at install time; the CPU
# binaries ship inside the npm package. npm 11 reads package.json allowScripts instead, the
# npm 10 of this image does not (docs/decisions/0019).
ENV ONNXRUNTIME_NODE_INSTALL=skip \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false

RUN mkdir -p /app/.cuecard && chown -R node:node /app
WORKDIR /app
USER node

# Dependencies first, so source edits reuse this layer.
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci && npm cache clean --force

COPY --chown=node:node . .

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
EXPOSE 3000
# Embedded-PGlite data and downloaded models live here when DATABASE_URL is unset.
VOLUME ["/app/.cuecard"]

HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

CMD ["npm", "start"]
