// Makes sure the Debian `chromium` package is present; test tools never download browsers here.
import { ensureDebianPackage } from './debian.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ensureChromium = () =>
	ensureDebianPackage({ program: CHROMIUM, packages: ['chromium', 'fonts-dejavu-core'], why: 'The browser tests' });

/** GDAL's ogrinfo/ogr2ogr: a real OGC API – Features client nobody here wrote. */
export const ensureGdal = () =>
	ensureDebianPackage({ program: '/usr/bin/ogr2ogr', packages: ['gdal-bin'], why: 'The OGC API tests' });
